"""Signals: pure functions from Odoo records to figures and risk findings (no I/O).

Modules: `budget`, `schedule`, `staffing`, `timesheets`, `billing` (and scope),
`helpdesk`, `sentiment`, `status` (RAG, PM divergence), `classify`/`classify_ticket`
(metrics -> findings via the policy), `security` (injection findings), `facts` (the
fact-sheet builders), `evidence` (refs and URLs), `fmt` (number formats), `keys`.

Figure keys are stable: analysts, the grounding guardrail, evals and dashboards rely on
them, and findings' `metrics` use the same keys with the same values.
Units: `h` hours, `ratio` a fraction (0.25 = 25 %), `index` CPI/SPI (1 = on plan),
`days`, `count`, `currency` (the figure's unit holds the ISO code), `score` (sentiment).

| key | label | unit |
|---|---|---|
| `budget.bac_hours` | Budget at completion | h |
| `budget.actual_hours` | Hours logged | h |
| `budget.consumed_ratio` | Budget consumed | ratio |
| `budget.percent_complete` | Work complete | ratio |
| `budget.ev_hours` | Earned value | h |
| `budget.pv_hours` | Planned value | h |
| `budget.cpi` | Cost performance index | index |
| `budget.spi` | Schedule performance index | index |
| `budget.eac_hours` | Estimate at completion | h |
| `budget.overrun_ratio` | Forecast overrun | ratio |
| `budget.burn_rate_hours_per_week` | Recent burn rate | h/week |
| `budget.planned_rate_hours_per_week` | Planned burn rate | h/week |
| `budget.burn_rate_ratio` | Burn rate vs plan | ratio |
| `schedule.elapsed_share` | Time elapsed | ratio |
| `schedule.slip` | Schedule slip (elapsed - complete) | ratio |
| `schedule.overdue_tasks` | Overdue open tasks | count |
| `schedule.overdue_milestones` | Overdue milestones | count |
| `schedule.milestone_overdue_days` | Most overdue milestone | days |
| `schedule.stalled_tasks` | Stalled tasks | count |
| `schedule.stalled_max_days` | Longest idle task | days |
| `staffing.leave_conflicts` | Assignee leaves near deadlines | count |
| `staffing.unassigned_due` | Unassigned tasks due soon | count |
| `timesheets.missing_days` | Working days without timesheets | days |
| `timesheets.expected_days` | Working days expected | days |
| `timesheets.late_entries` | Late timesheet lines | count |
| `billing.uninvoiced_amount` | Delivered, not invoiced | currency |
| `billing.uninvoiced_age_days` | Oldest uninvoiced line age | days |
| `scope.delivered_beyond_sold_ratio` | Delivered beyond sold | ratio |
| `scope.delivered_beyond_sold_lines` | Lines delivered beyond sold | count |
| `scope.late_added_share` | Hours on late-added tasks | ratio |
| `task.allocated_hours` | Task allocated hours | h |
| `task.effective_hours` | Task hours logged | h |
| `task.hours_ratio` | Task hours consumed | ratio |
| `task.overdue_days` | Task overdue | days |
| `task.days_to_deadline` | Days to task deadline | days |
| `task.idle_days` | Days since last task change | days |
| `sla.age_hours` | Ticket age | h |
| `sla.target_hours` | SLA target | h |
| `sla.hours_left` | SLA hours left | h |
| `sla.elapsed_share` | SLA time used | ratio |
| `helpdesk.reopen_count` | Times reopened | count |
| `helpdesk.escalation_words` | Escalation phrases | count |
| `helpdesk.partner_open_tickets` | Client's other open tickets | count |
| `sentiment.score` | Sentiment score | score |
| `security.injection_hits` | Texts flagged as injection | count |
"""
