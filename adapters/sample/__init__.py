"""The sample municipality "Gemeente Voorbeeld": a deterministic generator of every
canonical table, so the demo and the tests need no download.

About 2,000 Wmo and 600 Jeugdwet clients with care over 2019-2021 (and care histories from
2014 on): realistic durations per provision, follow-up indications for the same provision
and intensity the day after the previous one ends (herindicaties), a changed intensity,
overlapping and same-day indications (stapeling), returning clients after a gap,
open-ended indications, removed duplicates (reden_wijziging 13), an administrative
conversion on 2021-01-01 (every running indication ends on 2020-12-31 and restarts the
next day) and one for Wmo household help in July 2019. Then budget bookings, monthly
claims with a claim lag and credits, applications with decision times, benefits per
household (TOZO included), clients with birth dates and neighbourhoods, the population by
age and a budget per law. The same seed gives the same frames and the same bytes.

Beside them, from a random stream of their own (so the canonical tables never change
because of them), the tables ``definitions/seedtabellen.kpi`` declares for the rest of the
seeds, built on the same clients, households, applications, benefits and claims: ledger
lines, benefit payments, debt-help trajectories and early-warning signals, minima grants
and target groups, front-door requests, complaints and satisfaction surveys
(``generate_seed_tables``; ``write_sample_csv`` writes both). The columns that file adds
to the canonical tables (a client's gender and household, the referrer's name, the
budget's domain and Iv3 taakveld, with budget lines for the domains outside the three
laws) come from a stream of their own too (``seed_columns``; ``common.STREAMS`` names
every stream): ``generate_all`` and the CSV files carry them, after the canonical columns
and rows; ``generate_sample`` stays the canonical schema.

Internally every table is built as a dict of numpy arrays ("rows") with dates as day
numbers (days since 1970-01-01); only the last step turns them into DataFrames. One module
per concept: ``common`` (dates, random streams and helpers), ``products`` and ``care`` (indications),
``money`` (bookings, claims, budget), ``income`` (applications, benefits), ``people``
(clients, population), ``frames`` (DataFrames); for the seed tables ``ledger``, ``debt``,
``minima``, ``frontdoor``, ``seeds`` (their DataFrames) and ``seed_columns``; ``generate``
and ``csv_files``.
"""

from maatstaf.adapters.sample.common import SEED
from maatstaf.adapters.sample.csv_files import write_sample_csv
from maatstaf.adapters.sample.generate import generate_all, generate_sample, generate_seed_tables

__all__ = ["SEED", "generate_all", "generate_sample", "generate_seed_tables", "write_sample_csv"]
