package integration

import (
	"math"
	"slices"
	"time"
)

// percentileMs is the q-quantile of l in milliseconds by nearest rank (q = 1
// is the maximum), 0 when l is empty. It sorts l in place.
func percentileMs(l []time.Duration, q float64) float64 {
	if len(l) == 0 {
		return 0
	}
	slices.Sort(l)
	i := max(0, min(len(l)-1, int(math.Ceil(q*float64(len(l))))-1))
	return float64(l[i].Microseconds()) / 1000
}
