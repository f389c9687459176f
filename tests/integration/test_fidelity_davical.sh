#!/usr/bin/env bash
# test_fidelity.sh on davical, which rewrites every card it stores: its own copy
# is the baseline, and kith must change only its own lines of it.
SERVER=davical
source "$(dirname "$0")/test_fidelity.sh"
