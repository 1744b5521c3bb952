"""Workflows that touch several models or have side effects, as keyword-only functions.

Each module is one feature (eligibility, sites, appointments, waitlist, outbox); services are
the only writers of statuses and counters. Lower modules never import higher ones:
people ← outbox ← appointments_create ← waitlist ← appointments, sites.
"""
