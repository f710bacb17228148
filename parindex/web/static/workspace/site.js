// The workspace's own script (no inline scripts on any page).
"use strict";
