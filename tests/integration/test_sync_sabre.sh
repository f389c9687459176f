#!/usr/bin/env bash
# The sync engine end to end against a real SabreDAV 1.8 (Digest) on 127.0.0.1.
SERVER=sabre
source "$(dirname "$0")/sync_common.sh"
