#!/usr/bin/env bash
# test_fidelity.sh on SabreDAV 1.8, which keeps a PUT's bytes too.
SERVER=sabre
source "$(dirname "$0")/test_fidelity.sh"
