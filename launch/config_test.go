package launch

import "testing"

func TestCheckSnap(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"demo", true},
		{"hello-world_2", true},
		{"a.b+c", true},
		{"", false},
		{".", false},
		{"..", false},
		{"-x", false},
		{"a/b", false},
		{"../etc", false},
		{"Demo", false},
		{string(make([]byte, 65)), false},
	}
	for _, tt := range tests {
		err := checkSnap(tt.name)
		if got := err == nil; got != tt.ok {
			t.Errorf("checkSnap(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !IsUsage(err) {
			t.Errorf("checkSnap(%q): got %T, want a usage error", tt.name, err)
		}
	}
}
