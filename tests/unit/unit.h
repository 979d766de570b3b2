/*
 * shimssl - declarations shared by the Check unit tests.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef SHIM_TESTS_UNIT_H
#define SHIM_TESTS_UNIT_H

#include <check.h>

/* Each unit-test file builds its own suite. */
Suite *unit_suite(void);

#endif
