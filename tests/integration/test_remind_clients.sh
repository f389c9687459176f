#!/usr/bin/env bash
# kith's reminders on a real Radicale on 127.0.0.1, through vdirsyncer,
# khal and todoman (remind_clients_common.sh).
SERVER=radicale
source "$(dirname "$0")/remind_clients_common.sh"
