#!/usr/bin/env bash
# test_fidelity.sh on Cyrus, which rewrites every card and converts it on the
# way out: its own copy is the baseline, and each card keeps its version.
SERVER=cyrus
source "$(dirname "$0")/test_fidelity.sh"
