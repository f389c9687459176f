#!/usr/bin/env bash
# The sync engine end to end against a real Xandikos on 127.0.0.1.
SERVER=xandikos
source "$(dirname "$0")/sync_common.sh"
