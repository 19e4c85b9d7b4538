import time

from socialake.timing import PREFIX, Stopwatch, parse_steps


def test_steps_and_laps_are_rendered_and_parsed_back():
    watch = Stopwatch()
    with watch.step("parse, check files"):
        time.sleep(0.02)
    time.sleep(0.03)
    watch.lap("write")   # measured from the end of the step before, not from the start
    line = watch.render()
    assert line.startswith(PREFIX)
    steps = parse_steps(line)
    assert list(steps) == ["parse, check files", "write"]   # a comma inside a step name survives
    assert [name for name, _ in watch.steps] == ["parse, check files", "write"]
    seconds = dict(watch.steps)
    assert seconds["parse, check files"] >= 0.02 and seconds["write"] >= 0.03
    assert steps == {name: round(value, 1) for name, value in watch.steps}


def test_a_failing_step_is_still_timed():
    watch = Stopwatch()
    try:
        with watch.step("boom"):
            raise ValueError("x")
    except ValueError:
        pass
    assert [name for name, _ in watch.steps] == ["boom"]
