"""Great Expectations suites (suites.py) and how they are run and recorded (validate.py)."""
