"""Scenarios where our library is known to give another result than stock:
(group, scenario) -> what differs.  They run in the meson suite 'pending'
(not run by default) with stock's expectation, and fail until the
difference is fixed; then the entry goes."""
PENDING = {
}
