#!/usr/bin/env bash
# Reminders on the calendar of a real Xandikos on 127.0.0.1.
SERVER=xandikos
source "$(dirname "$0")/remind_common.sh"
