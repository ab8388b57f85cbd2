package main

import "github.com/trtcwatch/trtcwatch/ui"

// dashboardKeys is the key map the dashboard runs with. The bindings and
// their help live in ui (ui.DefaultKeyMap, next to the KeyMap type, so the
// tests and the `?` screen use the very same ones); this is the one place
// a user's own bindings would be wired in.
func dashboardKeys() ui.KeyMap { return ui.DefaultKeyMap() }
