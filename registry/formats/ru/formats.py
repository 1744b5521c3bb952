# Without the "г." Django's Russian default adds, like every other date the site writes.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
