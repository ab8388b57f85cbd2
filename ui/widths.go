package ui

// The list's column plan needs the widest TaskId and note of the visible
// rows (see want). Scanning 10,000 rows for them after
// every engine update cost more than keeping the list in order, so
// m.widths counts the visible rows by each length instead: a row entering
// or leaving the list, or changing, adds or takes away its lengths, and
// the widest is the highest length with a row.

// maxCounted caps a counted length: a longer one (a hostile TaskId,
// sanitised) counts as this, which is still wider than any terminal.
const maxCounted = 1024

// lenCount is rows per length.
type lenCount []int

func (c *lenCount) add(n, d int) {
	n = min(n, maxCounted)
	if n >= len(*c) {
		*c = append(*c, make([]int, n+1-len(*c))...)
	}
	(*c)[n] += d
}

// widest is the greatest length with a row, 0 when none.
func (c lenCount) widest() int {
	for i := len(c) - 1; i > 0; i-- {
		if c[i] > 0 {
			return i
		}
	}
	return 0
}

// widthCounts are the visible rows' TaskId and note lengths.
type widthCounts struct{ id, note lenCount }

// lens are the lengths a row adds to the counts (byte lengths stand in
// for cells: exact for the ASCII ids, an upper bound otherwise).
type lens struct{ id, note int }

func lensOf(r *row) lens { return lens{id: len(r.id) + adoptedW*boolInt(r.adopted), note: len(r.note)} }

func (w *widthCounts) add(l lens, d int) {
	w.id.add(l.id, d)
	w.note.add(l.note, d)
}

// count adds a row that enters m.visible.
func (m *Model) count(r *row) {
	r.lens = lensOf(r)
	m.widths.add(r.lens, 1)
}

// uncount takes away a row that leaves m.visible.
func (m *Model) uncount(r *row) { m.widths.add(r.lens, -1) }
