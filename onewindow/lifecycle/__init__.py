"""The lifecycle kernel (DESIGN.md §2a): what every record type with a number, a lifecycle,
working-day deadlines, warnings and a tamper-evident history shares — and nothing else.

- :mod:`.transitions` — a transition table (state × action → next state, with the permission
  an actor needs and the refusal code), pure;
- :mod:`.chain` — the hash chain over a record's events, pure;
- :mod:`.models` — :class:`~.models.Deadline` (deadlines as rows, the table the supervision sweep
  scans) and :class:`~.models.ChainedEvent` (the abstract event every record type's history uses);
- :mod:`.deadlines` — the pure description of a record's deadlines, and the diff that decides
  which rows to write;
- :mod:`.services` — writing deadline rows and chained events inside the owner's transaction;
- :mod:`.registry` — how a record type plugs in: its title and link, its chain verifier, its
  own anomaly checks for the sweep.

Each app keeps its own rules, models and pages; the kernel holds only the mechanics.
"""
