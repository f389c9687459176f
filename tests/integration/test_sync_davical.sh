#!/usr/bin/env bash
# The sync engine end to end against a real DAViCal 1.1 (Apache, PostgreSQL) on 127.0.0.1.
SERVER=davical
source "$(dirname "$0")/sync_common.sh"
