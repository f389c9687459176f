#!/usr/bin/env python3
"""ical_check.py FILE...: checks calendar objects with a real parser.

Each file is parsed by python3-icalendar (Calendar.from_ical) and held to
the RFC 5545 rules kith's reminders must keep: every VEVENT and VTODO has
UID and DTSTAMP (3.6.1, 3.6.2); every VALARM has ACTION, a DISPLAY alarm
has DESCRIPTION and TRIGGER and no ATTENDEE (3.6.6), and an absolute
TRIGGER is a DATE-TIME in UTC (3.8.6.3). Exits 0 when every file passes,
1 with one line per failure on stderr, 2 on a usage error.
"""
import datetime
import sys

import icalendar


def check_trigger(alarm, where):
    trigger = alarm.get('TRIGGER')
    if trigger is None:
        return [where + ': DISPLAY alarm without TRIGGER']
    if str(trigger.params.get('VALUE', 'DURATION')).upper() != 'DATE-TIME':
        return []
    dt = trigger.dt
    if not isinstance(dt, datetime.datetime):
        return [where + ': absolute TRIGGER is not a DATE-TIME']
    if dt.tzinfo is None or dt.utcoffset() != datetime.timedelta(0):
        return [where + ': absolute TRIGGER is not in UTC']
    return []


def check_alarm(alarm, where):
    action = alarm.get('ACTION')
    if action is None:
        return [where + ': VALARM without ACTION']
    if str(action).upper() != 'DISPLAY':
        return []
    errors = []
    if not str(alarm.get('DESCRIPTION', '')):
        errors.append(where + ': DISPLAY alarm without DESCRIPTION')
    if 'ATTENDEE' in alarm:
        errors.append(where + ': DISPLAY alarm with an ATTENDEE')
    return errors + check_trigger(alarm, where)


def check_component(comp, where):
    errors = []
    for name in ('UID', 'DTSTAMP'):
        if name not in comp:
            errors.append('%s: %s without %s' % (where, comp.name, name))
    for sub in comp.subcomponents:
        if sub.name == 'VALARM':
            errors += check_alarm(sub, where + ' VALARM')
    return errors


def check_file(path):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        return ['%s: cannot read: %s' % (path, e.strerror)]
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as e:  # the parser's own exceptions vary by version
        return ['%s: does not parse: %s' % (path, e)]
    if isinstance(cal, list):
        return ['%s: more than one VCALENDAR' % path]
    if cal.name != 'VCALENDAR':
        return ['%s: not a VCALENDAR but %s' % (path, cal.name)]
    errors = []
    found = 0
    for comp in cal.walk():
        # A property the parser could not read is noted here, not raised.
        for prop, why in getattr(comp, 'errors', []):
            errors.append('%s %s: bad %s: %s' % (path, comp.name, prop, why))
        if comp.name in ('VEVENT', 'VTODO'):
            found += 1
            errors += check_component(comp, '%s %s' % (path, comp.name))
    if not found:
        errors.append('%s: no VEVENT or VTODO' % path)
    return errors


def main(argv):
    if len(argv) < 2:
        print('usage: ical_check.py FILE...', file=sys.stderr)
        return 2
    errors = []
    for path in argv[1:]:
        errors += check_file(path)
    for e in errors:
        print('ical_check: ' + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
