package cmd

import (
	"errors"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
)

// errNoTerminal is returned before the dashboard touches the watch list
// when there is no terminal to draw on; scripts have `snapshot`.
var errNoTerminal = errors.New("no terminal: the dashboard needs one to draw on and read keys from; use `trtcwatch snapshot` for scripts")

// openTerminal decides whether the dashboard has a terminal, and returns
// the descriptor its keys come from, with a func to release it. "Has a
// terminal" means what Bubble Tea needs: stdout is a terminal (it draws
// there) and keys can be read from one: stdin if it is a terminal, else
// /dev/tty, which Bubble Tea opens when stdin is a pipe.
func openTerminal(stdin io.Reader, stdout io.Writer) (fd uintptr, release func(), err error) {
	out, ok := stdout.(*os.File)
	if !ok || !term.IsTerminal(out.Fd()) {
		return 0, nil, errNoTerminal
	}
	if in, ok := stdin.(*os.File); ok && term.IsTerminal(in.Fd()) {
		return in.Fd(), func() {}, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return 0, nil, errNoTerminal
	}
	if !term.IsTerminal(tty.Fd()) {
		tty.Close()
		return 0, nil, errNoTerminal
	}
	return tty.Fd(), func() { tty.Close() }, nil
}
