#!/usr/bin/env bash
# Reminders on the calendar of a real DAViCal on 127.0.0.1.
SERVER=davical
source "$(dirname "$0")/remind_common.sh"
