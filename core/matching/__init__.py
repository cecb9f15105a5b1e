"""Matching freelancers to gigs: the ranking (``ranking``) and the per-process
freelancer pool it scores (``index``)."""
