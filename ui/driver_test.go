package ui

import (
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
)

// driver runs a Model as Bubble Tea does, inside a synctest bubble, so
// that nothing waits on the real clock and every run is the same: each
// command runs in its own goroutine, and once every goroutine has done
// what it can (synctest.Wait), the messages that came back are fed to
// Update in the order their commands were started. A command that waits
// (a flash's timer, the engine's Changed, a cursor blink) stays pending
// until the bubble's clock is moved on (time.Sleep in the test). tea.Quit
// and tea.Suspend are counted, not obeyed.
type driver struct {
	m       *Model
	pending []chan tea.Msg
	quits   int
	// after is called after every Update (the fuzzer checks the frame).
	after func(msg tea.Msg)
}

// send is one message from outside (a key, a paste, a resize), and every
// message it leads to that is ready now.
func (d *driver) send(msg tea.Msg) {
	d.update(msg)
	d.settle()
}

func (d *driver) update(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	if d.after != nil {
		d.after(msg)
	}
	d.start(cmd)
}

// start runs cmd in a goroutine of its own.
func (d *driver) start(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	ch := make(chan tea.Msg, 1) // a result nobody reads never blocks its goroutine
	go func() { ch <- cmd() }()
	d.pending = append(d.pending, ch)
}

// settle feeds back every message that is ready, until none is.
func (d *driver) settle() {
	for pass := 0; pass < 1000; pass++ {
		synctest.Wait()
		var ready []tea.Msg
		waiting := d.pending[:0]
		for _, ch := range d.pending {
			select {
			case msg := <-ch:
				ready = append(ready, msg)
			default:
				waiting = append(waiting, ch)
			}
		}
		d.pending = waiting
		if len(ready) == 0 {
			return
		}
		for _, msg := range ready {
			d.deliver(msg)
		}
	}
}

func (d *driver) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.start(c)
		}
	case tea.QuitMsg, tea.SuspendMsg:
		d.quits++
	default:
		d.update(msg)
	}
}

// keys presses each key by name (keyMsg and flowKey's names).
func (d *driver) keys(names ...string) {
	for _, k := range names {
		d.send(flowKey(k))
	}
}

// typeText sends one key per rune.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// stop ends the model's waits on the engine and lets every timer fire
// (the bubble's clock moves only while its goroutines wait), so the
// bubble's goroutines finish.
func (d *driver) stop() {
	d.m.cancel()
	time.Sleep(time.Hour)
	synctest.Wait()
}
