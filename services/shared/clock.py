"""Time, said once: the UTC now every record is stamped with, and Vietnam's clock.

Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact; dates
a person reads (receipt numbers, slips, the 15:00 rule) are on this clock.
"""

import datetime as dt

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


def utcnow():
    return dt.datetime.now(dt.UTC)
