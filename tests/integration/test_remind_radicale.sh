#!/usr/bin/env bash
# Reminders on the calendar of a real Radicale on 127.0.0.1.
SERVER=radicale
source "$(dirname "$0")/remind_common.sh"
