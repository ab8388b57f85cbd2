package emulator

import (
	"fmt"
	"io"
	"os"
)

// ReadFileBounded reads a regular file of at most limit bytes. A device, pipe
// or directory (/dev/zero, a FIFO) is refused before any byte is read, and
// a file that grows past the limit while being read is refused at limit+1
// bytes, so a hostile path never costs more than limit bytes of memory.
// The emulator reads its scenario with it and the command line its keys file.
func ReadFileBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%v)", path, st.Mode().Type())
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", path, st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s grew past the %d bytes allowed while being read", path, limit)
	}
	return data, nil
}
