"""Views by feature: pages, eligibility, sites, appointments, waitlist, staff."""
