package portfolio

// Radix sorts for the ranking's keys. Ranking 100,000 accounts is two sorts
// of 100,000 keys (plus one for movement); a least-significant-digit radix
// sort does each in a few linear passes instead of ~1.7 million
// comparisons, which is what keeps a reweight of a large portfolio fast.

// radixDigits is how many bits each pass sorts on: 11 keeps the counts
// (2,048 of them) in the first-level cache, at six passes per 64 bits.
const radixDigits = 11

// sortUint64 sorts keys ascending.
func sortUint64(keys []uint64) {
	if len(keys) < 256 {
		insertionSort(keys)
		return
	}
	buf := make([]uint64, len(keys))
	src, dst := keys, buf
	var count [1 << radixDigits]int
	for shift := uint(0); shift < 64; shift += radixDigits {
		clear(count[:])
		for _, k := range src {
			count[(k>>shift)&(1<<radixDigits-1)]++
		}
		if count[(src[0]>>shift)&(1<<radixDigits-1)] == len(src) {
			continue // every key has the same digit here: nothing to move
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, k := range src {
			d := (k >> shift) & (1<<radixDigits - 1)
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}

func insertionSort(keys []uint64) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// wideKey is a 128-bit sort key (hi, then lo) carrying a row index.
type wideKey struct {
	hi, lo uint64
	idx    int32
}

// sortWide sorts keys ascending by (hi, lo), stably: lo's digits first,
// then hi's.
func sortWide(keys []wideKey) {
	if len(keys) < 2 {
		return
	}
	buf := make([]wideKey, len(keys))
	src, dst := keys, buf
	const perWord = (64 + radixDigits - 1) / radixDigits
	digit := func(k *wideKey, pass int) uint64 {
		if pass < perWord {
			return (k.lo >> (uint(pass) * radixDigits)) & (1<<radixDigits - 1)
		}
		return (k.hi >> (uint(pass-perWord) * radixDigits)) & (1<<radixDigits - 1)
	}
	var count [1 << radixDigits]int
	for pass := range 2 * perWord {
		clear(count[:])
		for i := range src {
			count[digit(&src[i], pass)]++
		}
		if count[digit(&src[0], pass)] == len(src) {
			continue
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for i := range src {
			d := digit(&src[i], pass)
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
