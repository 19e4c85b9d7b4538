import time

from socialake.timing import PREFIX, Stopwatch, parse_steps


def test_steps_and_laps_are_rendered_and_parsed_back():
    watch = Stopwatch()
    with watch.step("parse files"):
        time.sleep(0.02)
    time.sleep(0.03)
    watch.lap("write")   # measured from the end of the step before, not from the start
    line = watch.render()
    assert line.startswith(PREFIX)
    steps = parse_steps(line)
    assert list(steps) == ["parse files", "write"]
    assert [name for name, _ in watch.steps] == ["parse files", "write"]
    seconds = dict(watch.steps)
    assert seconds["parse files"] >= 0.02 and seconds["write"] >= 0.03
    assert steps == {name: round(value, 1) for name, value in watch.steps}


def test_a_failing_step_is_still_timed():
    watch = Stopwatch()
    try:
        with watch.step("boom"):
            raise ValueError("x")
    except ValueError:
        pass
    assert [name for name, _ in watch.steps] == ["boom"]
