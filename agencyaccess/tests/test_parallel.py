import threading

from django.test import SimpleTestCase
from django.utils import translation

from agencyaccess.lib.parallel import map_side_by_side


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
