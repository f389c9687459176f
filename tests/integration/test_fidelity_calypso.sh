#!/usr/bin/env bash
# test_fidelity.sh on Calypso, which rewrites every card it stores and files
# it under its UID: its own copy is the baseline.
SERVER=calypso
source "$(dirname "$0")/test_fidelity.sh"
