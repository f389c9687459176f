#!/usr/bin/env bash
# The sync engine end to end against a real Calypso 2.1 on 127.0.0.1.
SERVER=calypso
source "$(dirname "$0")/sync_common.sh"
