package facts

// NVIDIA describes the host's NVIDIA userspace driver.
//
// This is a placeholder: the NVIDIA engineer owns this file and fills in
// the driver version, library paths and gathering.
type NVIDIA struct {
	Version string `fact:"version"`
}

// gatherNVIDIA reads the NVIDIA driver facts of the host at root.
func gatherNVIDIA(root string) (NVIDIA, error) {
	return NVIDIA{}, nil
}
