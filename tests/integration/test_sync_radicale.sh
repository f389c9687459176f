#!/usr/bin/env bash
# The sync engine end to end against a real Radicale on 127.0.0.1.
SERVER=radicale
source "$(dirname "$0")/sync_common.sh"
