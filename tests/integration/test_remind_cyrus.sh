#!/usr/bin/env bash
# Reminders on the calendar of a real Cyrus on 127.0.0.1.
SERVER=cyrus
source "$(dirname "$0")/remind_common.sh"
