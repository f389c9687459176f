#!/usr/bin/env bash
# test_fidelity.sh on radicale, which rewrites every card it stores: its own copy
# is the baseline, and kith must change only its own lines of it.
SERVER=radicale
source "$(dirname "$0")/test_fidelity.sh"
