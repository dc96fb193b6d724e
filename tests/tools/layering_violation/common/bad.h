#pragma once
// A deliberate layering violation: the layering check must reject this tree.
#include "alertd/app/app.h"
