/*
 * shimssl - the main() every Check unit-test program shares.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * Each test_*.c defines unit_suite(); this runs it and exits non-zero when
 * any case fails.
 */
#include <check.h>
#include <stdlib.h>

#include "unit.h"

int main(void)
{
    SRunner *runner = srunner_create(unit_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
