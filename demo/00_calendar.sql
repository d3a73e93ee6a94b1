-- demo/00_calendar.sql: the calendar behind every deadline.
-- Read-only, so `make demo` can run it any number of times.
\pset footer off

\echo
\echo '== The next bank holidays, by division =='
SELECT h.division, h.day, to_char(h.day, 'Dy') AS weekday, h.title
  FROM safeguard.bank_holiday AS h
 WHERE h.day >= CURRENT_DATE
   AND h.day < CURRENT_DATE + 60
 ORDER BY h.day, h.division;

\echo
\echo '== A concern received now: when each default timescale falls due (Europe/London) =='
SELECT t.step, t.working_days,
       'end of ' || to_char(safeguard.add_working_days(current_date, t.working_days, d.division),
                            'Dy DD Mon YYYY') AS due_england_and_wales,
       'end of ' || to_char(safeguard.add_working_days(current_date, t.working_days, 'scotland'),
                            'Dy DD Mon YYYY') AS due_scotland,
       safeguard.working_deadline(now(), t.working_days, d.division) AS due_instant
  FROM (VALUES ('triage decision', 1), ('LA acknowledgement', 2),
               ('provider enquiry: initial meeting', 5), ('feedback to referrer', 5),
               ('LA outcome', 20), ('LA outcome: escalate', 40)) AS t(step, working_days),
       (VALUES ('england-and-wales')) AS d(division)
 ORDER BY t.working_days, t.step;

\echo
\echo '== Over Christmas 2026: a provider enquiry invoked on Friday 18 December =='
SELECT to_char(safeguard.add_working_days('2026-12-18', n), 'Dy DD Mon YYYY') AS working_day,
       n AS day_number
  FROM generate_series(0, 5) AS n;
\echo '(Christmas Day is a Friday and Boxing Day a Saturday, so Monday 28 December is the substitute holiday:'
\echo ' the initial meeting, due within 5 working days, is due by the end of Tuesday 29 December.)'
