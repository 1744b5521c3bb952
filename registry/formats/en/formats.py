# Day before month, as the Russian pages write it: Django's English default is "Nov. 29, 2026".
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
