#!/usr/bin/env bash
source "$(dirname "$0")/lib.sh"
skip_all "not yet"
