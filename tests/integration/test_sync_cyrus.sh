#!/usr/bin/env bash
# The sync engine end to end against a real Cyrus IMAP 3.6 httpd on 127.0.0.1.
SERVER=cyrus
source "$(dirname "$0")/sync_common.sh"
