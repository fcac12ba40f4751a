import threading

from django.test import SimpleTestCase
from django.utils import translation

from agencyaccess.lib.parallel import both_side_by_side, map_side_by_side


class MapSideBySideTests(SimpleTestCase):
    def test_the_calls_overlap(self):
        # Each call waits for the other: one after the other, the barrier would time out.
        both_running = threading.Barrier(2, timeout=5)

        self.assertEqual(map_side_by_side(lambda n: both_running.wait() >= 0 and n, [1, 2]), [1, 2])

    def test_results_come_in_the_order_of_the_items(self):
        self.assertEqual(map_side_by_side(lambda n: n * n, range(20)), [n * n for n in range(20)])

    def test_the_first_item_to_fail_raises_as_the_loop_would(self):
        def fail_on_odd(n: int) -> int:
            if n % 2:
                raise ValueError(n)
            return n

        with self.assertRaisesMessage(ValueError, "1"):
            map_side_by_side(fail_on_odd, [0, 1, 2, 3])

    def test_each_call_speaks_the_callers_language(self):
        with translation.override("nl"):
            languages = map_side_by_side(lambda _: translation.get_language(), range(3))

        self.assertEqual(languages, ["nl", "nl", "nl"])


class BothSideBySideTests(SimpleTestCase):
    def test_the_two_calls_overlap_and_answer_in_order(self):
        both_running = threading.Barrier(2, timeout=5)

        def meet(answer: object):
            return lambda: both_running.wait() >= 0 and answer

        self.assertEqual(
            both_side_by_side(meet("roles"), meet({"names": 1})), ("roles", {"names": 1})
        )

    def test_a_failure_is_raised_as_calling_them_in_order_would(self):
        def fail(message: str):
            def call() -> str:
                raise ValueError(message)

            return call

        with self.assertRaisesMessage(ValueError, "second"):
            both_side_by_side(lambda: "fine", fail("second"))
        with self.assertRaisesMessage(ValueError, "first"):
            both_side_by_side(fail("first"), fail("second"))
