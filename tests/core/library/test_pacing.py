"""Background work is cut into transactions sized by how long the last ones took,
so a write from the window never waits long behind one."""

from lectern.core.library.pacing import Pacer


def test_a_slow_transaction_makes_the_next_one_smaller_at_once():
    pacer = Pacer(100, 10, 1000, budget=0.010)
    pacer.took(0.040)  # four times the budget
    assert pacer.size == 25
    pacer.took(1.0)  # never below a quarter at a time, nor below the smallest
    assert pacer.size == 10


def test_quick_transactions_let_it_grow_gently_up_to_the_largest():
    pacer = Pacer(100, 10, 300, budget=0.010)
    pacer.took(0.001)
    assert pacer.size == 150
    for _ in range(10):
        pacer.took(0.001)
    assert pacer.size == 300


def test_a_transaction_near_the_budget_keeps_its_size():
    pacer = Pacer(100, 10, 1000, budget=0.010)
    pacer.took(0.008)
    assert pacer.size == 100


def test_timing_records_the_time_the_work_took():
    pacer = Pacer(100, 10, 1000, budget=0.0)  # any time is over a budget of nothing
    with pacer.timing() as size:
        assert size == 100
    assert pacer.size == 25
