"""SMS backends: console (prints, the default and the demo), locmem (tests), smsru (SMS.ru)."""
