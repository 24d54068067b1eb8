// Package demodata loads the demo data of `derma dev` and `derma seed`:
// dermatologists in real Dutch cities with fees, languages and weekly
// availability, one admin and two patients. Seeding is idempotent.
package demodata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/secure"
)

// Login is a demo account printed for the developer.
type Login struct {
	Role, Email, Password, Name string
}

// Demo passwords. They are public by design: never seed a production database.
const (
	adminPassword   = "admin-demo-2026"
	patientPassword = "patient-demo-2026"
	doctorPassword  = "doctor-demo-2026"
)

// DemoTOTPSecret is the authenticator secret of every demo doctor and the
// demo admin, who sign in with a second factor like real ones. It is public
// by design, like the demo passwords: add it to an authenticator app, or
// print the current code with `derma totp`.
const DemoTOTPSecret = "DERMATWOGODEMOAUTHENTICATORCODES"

// City is a Dutch city with its centre's coordinates.
type City struct {
	Name     string
	Lat, Lng float64
}

// Cities are the demo doctors' practice locations.
var Cities = []City{
	{"Amsterdam", 52.3676, 4.9041}, {"Rotterdam", 51.9244, 4.4777}, {"Den Haag", 52.0705, 4.3007},
	{"Utrecht", 52.0907, 5.1214}, {"Eindhoven", 51.4416, 5.4697}, {"Groningen", 53.2194, 6.5665},
	{"Tilburg", 51.5555, 5.0913}, {"Almere", 52.3508, 5.2647}, {"Breda", 51.5719, 4.7683},
	{"Nijmegen", 51.8126, 5.8372}, {"Arnhem", 51.9851, 5.8987}, {"Haarlem", 52.3874, 4.6462},
	{"Maastricht", 50.8514, 5.6910}, {"Leiden", 52.1601, 4.4970}, {"Zwolle", 52.5168, 6.0830},
	{"Enschede", 52.2215, 6.8937}, {"Amersfoort", 52.1561, 5.3878}, {"'s-Hertogenbosch", 51.6978, 5.3037},
	{"Leeuwarden", 53.2012, 5.7999}, {"Delft", 52.0116, 4.3571}, {"Apeldoorn", 52.2112, 5.9699},
	{"Dordrecht", 51.8133, 4.6901}, {"Alkmaar", 52.6324, 4.7534}, {"Middelburg", 51.4988, 3.6136},
}

var (
	firstNames = []string{"Anna", "Sanne", "Lotte", "Eva", "Fleur", "Noor", "Iris", "Maartje", "Femke", "Sophie",
		"Daan", "Bram", "Lucas", "Jeroen", "Thijs", "Ruben", "Pieter", "Joost", "Sem", "Milan", "Yasmina", "Mehmet", "Priya", "Karim"}
	lastNames = []string{"de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
		"de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
		"El Amrani", "Yilmaz", "Ramdin", "Kramer"}
	focusAreas = []string{"acne", "eczeem", "psoriasis", "rosacea", "huidkanker", "moedervlekken", "wratten",
		"schimmelinfecties", "netelroos", "haaruitval", "vitiligo", "kinderdermatologie", "allergie", "hyperhidrose"}
	extraLanguages = []string{"en", "de", "fr", "tr", "ar", "es"}
)

// ErrNotAsked is returned by Asked when `derma seed` was not asked
// explicitly for the demo accounts.
var ErrNotAsked = errors.New("seed: the demo accounts have public passwords; load them only into a " +
	"database nobody real uses, and say so: derma seed --demo-accounts (or SEED_DEMO_ACCOUNTS=yes)")

// Asked decides whether `derma seed` may write the demo accounts: only when
// its arguments are exactly --demo-accounts or SEED_DEMO_ACCOUNTS is "yes".
// `derma dev` seeds its own private database and does not ask.
func Asked(args []string, getenv func(string) string) error {
	asked := getenv("SEED_DEMO_ACCOUNTS") == "yes"
	for _, a := range args {
		if a != "--demo-accounts" {
			return fmt.Errorf("seed: unknown argument %q (the only one is --demo-accounts)", a)
		}
		asked = true
	}
	if !asked {
		return ErrNotAsked
	}
	return nil
}

// DoctorCount is how many demo doctors Seed creates.
const DoctorCount = 200

// Seed creates the demo accounts unless they exist, and returns the logins.
func Seed(ctx context.Context, store *db.Store, f *secure.Fields) ([]Login, error) {
	logins := []Login{
		{Role: accounts.RoleAdmin, Email: "admin@derma2go.test", Password: adminPassword, Name: "Demo Admin"},
		{Role: accounts.RolePatient, Email: "patient@derma2go.test", Password: patientPassword, Name: "Pim Patiënt"},
		{Role: accounts.RolePatient, Email: "patient2@derma2go.test", Password: patientPassword, Name: "Eva Voorbeeld"},
	}
	_, err := store.GetUserByEmailHash(ctx, accounts.EmailLookup(f, logins[0].Email))
	switch err = db.Translate(err); {
	case err == nil:
		return withDoctorLogin(logins), nil // seeded before
	case !errors.Is(err, db.ErrNotFound):
		return nil, fmt.Errorf("demodata: %w", err)
	}
	hashes := map[string]string{}
	for _, pw := range []string{adminPassword, patientPassword, doctorPassword} {
		// Cheap parameters: demo accounts only, and seeding 20+ doctors
		// with production cost would slow down every fresh start.
		h, err := secure.HashPassword(pw, secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1})
		if err != nil {
			return nil, err
		}
		hashes[pw] = h
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	err = store.Tx(ctx, func(q *db.Queries) error {
		for _, l := range logins {
			p, err := accounts.NewUser(f, l.Role, l.Email, l.Name, hashes[l.Password], "nl")
			if err != nil {
				return err
			}
			if _, err := q.CreateUser(ctx, p); err != nil {
				return err
			}
			// Demo addresses receive no mail: they count as confirmed.
			if err := q.MarkEmailVerified(ctx, p.ID); err != nil {
				return err
			}
			if l.Role == accounts.RoleAdmin {
				if err := accounts.ActivateTOTP(ctx, q, f, p.ID, DemoTOTPSecret, 0); err != nil {
					return err
				}
			}
		}
		for i := range DoctorCount {
			if err := createDoctor(ctx, q, f, rng, i, DoctorEmail(i), hashes[doctorPassword]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("demodata: %w", err)
	}
	return withDoctorLogin(logins), nil
}

// SeedDoctors adds n generated doctors (for benchmarks) with logins
// <prefix><i>@derma2go.test, in one transaction.
func SeedDoctors(ctx context.Context, store *db.Store, f *secure.Fields, n int, prefix string, seed uint64) error {
	hash, err := secure.HashPassword(doctorPassword, secure.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	return store.Tx(ctx, func(q *db.Queries) error {
		for i := range n {
			if err := createDoctor(ctx, q, f, rng, i, fmt.Sprintf("%s%d@derma2go.test", prefix, i), hash); err != nil {
				return err
			}
		}
		return nil
	})
}

func withDoctorLogin(logins []Login) []Login {
	return append(logins, Login{Role: accounts.RoleDoctor, Email: DoctorEmail(0), Password: doctorPassword,
		Name: "(any of doctor1…doctor" + fmt.Sprint(DoctorCount) + "@derma2go.test)"})
}

// DoctorEmail is the login of demo doctor i (0-based).
func DoctorEmail(i int) string { return fmt.Sprintf("doctor%d@derma2go.test", i+1) }

func createDoctor(ctx context.Context, q *db.Queries, f *secure.Fields, rng *rand.Rand, i int, email, pwHash string) error {
	city := Cities[i%len(Cities)]
	name := "dr. " + firstNames[i%len(firstNames)] + " " + lastNames[(i*7+i/len(firstNames))%len(lastNames)]
	u, err := accounts.NewUser(f, accounts.RoleDoctor, email, name, pwHash, "nl")
	if err != nil {
		return err
	}
	if _, err := q.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := q.MarkEmailVerified(ctx, u.ID); err != nil {
		return err
	}
	if err := accounts.ActivateTOTP(ctx, q, f, u.ID, DemoTOTPSecret, 0); err != nil {
		return err
	}
	langs := []string{"nl"}
	for _, l := range extraLanguages {
		if rng.IntN(3) == 0 || (l == "en" && rng.IntN(4) > 0) {
			langs = append(langs, l)
		}
	}
	focus := []string{focusAreas[i%len(focusAreas)], focusAreas[(i*5+3)%len(focusAreas)]}
	if focus[0] == focus[1] {
		focus = focus[:1]
	}
	jitter := func() float64 { return (rng.Float64() - 0.5) * 0.04 }
	if _, err := q.CreateDoctor(ctx, db.CreateDoctorParams{
		UserID: u.ID, DisplayName: name, Specialty: "Dermatoloog",
		Bio: fmt.Sprintf("Dermatoloog in %s met aandacht voor %s. Spreekuur op afspraak, online en in de praktijk.",
			city.Name, joinNL(focus)),
		FocusAreas: focus, Languages: langs, City: city.Name,
		Address:  fmt.Sprintf("Huidcentrum %s, Stationsplein %d", city.Name, 1+rng.IntN(80)),
		Latitude: city.Lat + jitter(), Longitude: city.Lng + jitter(), TimeZone: "Europe/Amsterdam",
		AdminFeeCents: int32(500 + 250*rng.IntN(5)), AdviceSlaDays: int32(1 + rng.IntN(2)),
	}); err != nil {
		return err
	}
	fees := []struct {
		typ      string
		base     int
		duration int32
	}{{"email_advice", 3500, 15}, {"video", 5500, 15}, {"walk_in", 4500, 10}, {"in_person", 8500, 20}}
	for _, fee := range fees {
		if err := q.UpsertDoctorFee(ctx, db.UpsertDoctorFeeParams{
			DoctorID: u.ID, ConsultationType: fee.typ,
			AmountCents: int32(fee.base + 250*rng.IntN(9)), DurationMinutes: fee.duration,
		}); err != nil {
			return err
		}
	}
	return createWeek(ctx, q, u.ID, rng)
}

// createWeek gives a doctor video and in-person hours on weekdays and an
// hour of walk-in.
func createWeek(ctx context.Context, q *db.Queries, doctor uuid.UUID, rng *rand.Rand) error {
	clock := func(h, m int) pgtype.Time {
		return pgtype.Time{Microseconds: int64((time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) / time.Microsecond), Valid: true}
	}
	for day := 1; day <= 5; day++ {
		if rng.IntN(5) == 0 {
			continue // a day off
		}
		start := 8 + rng.IntN(2)
		rules := []struct {
			typ      string
			from, to pgtype.Time
		}{
			{"in_person", clock(start, 0), clock(12, 0)},
			{"video", clock(13, 0), clock(16, 30)},
			{"walk_in", clock(17, 0), clock(18, 0)},
		}
		for _, r := range rules {
			if err := q.CreateAvailabilityRule(ctx, db.CreateAvailabilityRuleParams{
				ID: uuid.New(), DoctorID: doctor, ConsultationType: r.typ, Weekday: int16(day), StartTime: r.from, EndTime: r.to,
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinNL(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := items[0]
	for _, it := range items[1 : len(items)-1] {
		out += ", " + it
	}
	return out + " en " + items[len(items)-1]
}

// PrintLogins writes the demo logins as a small table.
func PrintLogins(w io.Writer, logins []Login) {
	fmt.Fprintln(w, "Demo logins:")
	for _, l := range logins {
		fmt.Fprintf(w, "  %-8s %-26s %-18s %s\n", l.Role, l.Email, l.Password, l.Name)
	}
	fmt.Fprintf(w, "  Doctors and the admin then give an authenticator code: add the secret %s\n"+
		"  to an authenticator app, or print the current code with `derma totp`.\n", DemoTOTPSecret)
}
