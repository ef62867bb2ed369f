#include <string.h>

#include <sodium.h>

#include "symbolon/fingerprint.h"

/*
 * The PGP word list (Juola and Zimmermann, 1995), indexed by byte value.
 * Transcribed from warrenguy/javascript-pgp-word-list (pgp-word-list.js)
 * and checked word for word against thblt/pgp-words (pgp-words); the only
 * difference, 0xFF odd, is kept in ASCII ("Yucatan", not "Yucatán") as in
 * the first copy and in GNU ZRTP, so every word is plain ASCII letters.
 * tests/unit/test_fingerprint.c pins both lists by SHA-256.
 */
static const char *const pgp_even[256] = {
	"aardvark", "absurd", "accrue", "acme", /* 00 */
	"adrift", "adult", "afflict", "ahead", /* 04 */
	"aimless", "Algol", "allow", "alone", /* 08 */
	"ammo", "ancient", "apple", "artist", /* 0C */
	"assume", "Athens", "atlas", "Aztec", /* 10 */
	"baboon", "backfield", "backward", "banjo", /* 14 */
	"beaming", "bedlamp", "beehive", "beeswax", /* 18 */
	"befriend", "Belfast", "berserk", "billiard", /* 1C */
	"bison", "blackjack", "blockade", "blowtorch", /* 20 */
	"bluebird", "bombast", "bookshelf", "brackish", /* 24 */
	"breadline", "breakup", "brickyard", "briefcase", /* 28 */
	"Burbank", "button", "buzzard", "cement", /* 2C */
	"chairlift", "chatter", "checkup", "chisel", /* 30 */
	"choking", "chopper", "Christmas", "clamshell", /* 34 */
	"classic", "classroom", "cleanup", "clockwork", /* 38 */
	"cobra", "commence", "concert", "cowbell", /* 3C */
	"crackdown", "cranky", "crowfoot", "crucial", /* 40 */
	"crumpled", "crusade", "cubic", "dashboard", /* 44 */
	"deadbolt", "deckhand", "dogsled", "dragnet", /* 48 */
	"drainage", "dreadful", "drifter", "dropper", /* 4C */
	"drumbeat", "drunken", "Dupont", "dwelling", /* 50 */
	"eating", "edict", "egghead", "eightball", /* 54 */
	"endorse", "endow", "enlist", "erase", /* 58 */
	"escape", "exceed", "eyeglass", "eyetooth", /* 5C */
	"facial", "fallout", "flagpole", "flatfoot", /* 60 */
	"flytrap", "fracture", "framework", "freedom", /* 64 */
	"frighten", "gazelle", "Geiger", "glitter", /* 68 */
	"glucose", "goggles", "goldfish", "gremlin", /* 6C */
	"guidance", "hamlet", "highchair", "hockey", /* 70 */
	"indoors", "indulge", "inverse", "involve", /* 74 */
	"island", "jawbone", "keyboard", "kickoff", /* 78 */
	"kiwi", "klaxon", "locale", "lockup", /* 7C */
	"merit", "minnow", "miser", "Mohawk", /* 80 */
	"mural", "music", "necklace", "Neptune", /* 84 */
	"newborn", "nightbird", "Oakland", "obtuse", /* 88 */
	"offload", "optic", "orca", "payday", /* 8C */
	"peachy", "pheasant", "physique", "playhouse", /* 90 */
	"Pluto", "preclude", "prefer", "preshrunk", /* 94 */
	"printer", "prowler", "pupil", "puppy", /* 98 */
	"python", "quadrant", "quiver", "quota", /* 9C */
	"ragtime", "ratchet", "rebirth", "reform", /* A0 */
	"regain", "reindeer", "rematch", "repay", /* A4 */
	"retouch", "revenge", "reward", "rhythm", /* A8 */
	"ribcage", "ringbolt", "robust", "rocker", /* AC */
	"ruffled", "sailboat", "sawdust", "scallion", /* B0 */
	"scenic", "scorecard", "Scotland", "seabird", /* B4 */
	"select", "sentence", "shadow", "shamrock", /* B8 */
	"showgirl", "skullcap", "skydive", "slingshot", /* BC */
	"slowdown", "snapline", "snapshot", "snowcap", /* C0 */
	"snowslide", "solo", "southward", "soybean", /* C4 */
	"spaniel", "spearhead", "spellbind", "spheroid", /* C8 */
	"spigot", "spindle", "spyglass", "stagehand", /* CC */
	"stagnate", "stairway", "standard", "stapler", /* D0 */
	"steamship", "sterling", "stockman", "stopwatch", /* D4 */
	"stormy", "sugar", "surmount", "suspense", /* D8 */
	"sweatband", "swelter", "tactics", "talon", /* DC */
	"tapeworm", "tempest", "tiger", "tissue", /* E0 */
	"tonic", "topmost", "tracker", "transit", /* E4 */
	"trauma", "treadmill", "Trojan", "trouble", /* E8 */
	"tumor", "tunnel", "tycoon", "uncut", /* EC */
	"unearth", "unwind", "uproot", "upset", /* F0 */
	"upshot", "vapor", "village", "virus", /* F4 */
	"Vulcan", "waffle", "wallet", "watchword", /* F8 */
	"wayside", "willow", "woodlark", "Zulu", /* FC */
};

static const char *const pgp_odd[256] = {
	"adroitness", "adviser", "aftermath", "aggregate", /* 00 */
	"alkali", "almighty", "amulet", "amusement", /* 04 */
	"antenna", "applicant", "Apollo", "armistice", /* 08 */
	"article", "asteroid", "Atlantic", "atmosphere", /* 0C */
	"autopsy", "Babylon", "backwater", "barbecue", /* 10 */
	"belowground", "bifocals", "bodyguard", "bookseller", /* 14 */
	"borderline", "bottomless", "Bradbury", "bravado", /* 18 */
	"Brazilian", "breakaway", "Burlington", "businessman", /* 1C */
	"butterfat", "Camelot", "candidate", "cannonball", /* 20 */
	"Capricorn", "caravan", "caretaker", "celebrate", /* 24 */
	"cellulose", "certify", "chambermaid", "Cherokee", /* 28 */
	"Chicago", "clergyman", "coherence", "combustion", /* 2C */
	"commando", "company", "component", "concurrent", /* 30 */
	"confidence", "conformist", "congregate", "consensus", /* 34 */
	"consulting", "corporate", "corrosion", "councilman", /* 38 */
	"crossover", "crucifix", "cumbersome", "customer", /* 3C */
	"Dakota", "decadence", "December", "decimal", /* 40 */
	"designing", "detector", "detergent", "determine", /* 44 */
	"dictator", "dinosaur", "direction", "disable", /* 48 */
	"disbelief", "disruptive", "distortion", "document", /* 4C */
	"embezzle", "enchanting", "enrollment", "enterprise", /* 50 */
	"equation", "equipment", "escapade", "Eskimo", /* 54 */
	"everyday", "examine", "existence", "exodus", /* 58 */
	"fascinate", "filament", "finicky", "forever", /* 5C */
	"fortitude", "frequency", "gadgetry", "Galveston", /* 60 */
	"getaway", "glossary", "gossamer", "graduate", /* 64 */
	"gravity", "guitarist", "hamburger", "Hamilton", /* 68 */
	"handiwork", "hazardous", "headwaters", "hemisphere", /* 6C */
	"hesitate", "hideaway", "holiness", "hurricane", /* 70 */
	"hydraulic", "impartial", "impetus", "inception", /* 74 */
	"indigo", "inertia", "infancy", "inferno", /* 78 */
	"informant", "insincere", "insurgent", "integrate", /* 7C */
	"intention", "inventive", "Istanbul", "Jamaica", /* 80 */
	"Jupiter", "leprosy", "letterhead", "liberty", /* 84 */
	"maritime", "matchmaker", "maverick", "Medusa", /* 88 */
	"megaton", "microscope", "microwave", "midsummer", /* 8C */
	"millionaire", "miracle", "misnomer", "molasses", /* 90 */
	"molecule", "Montana", "monument", "mosquito", /* 94 */
	"narrative", "nebula", "newsletter", "Norwegian", /* 98 */
	"October", "Ohio", "onlooker", "opulent", /* 9C */
	"Orlando", "outfielder", "Pacific", "pandemic", /* A0 */
	"Pandora", "paperweight", "paragon", "paragraph", /* A4 */
	"paramount", "passenger", "pedigree", "Pegasus", /* A8 */
	"penetrate", "perceptive", "performance", "pharmacy", /* AC */
	"phonetic", "photograph", "pioneer", "pocketful", /* B0 */
	"politeness", "positive", "potato", "processor", /* B4 */
	"provincial", "proximate", "puberty", "publisher", /* B8 */
	"pyramid", "quantity", "racketeer", "rebellion", /* BC */
	"recipe", "recover", "repellent", "replica", /* C0 */
	"reproduce", "resistor", "responsive", "retraction", /* C4 */
	"retrieval", "retrospect", "revenue", "revival", /* C8 */
	"revolver", "sandalwood", "sardonic", "Saturday", /* CC */
	"savagery", "scavenger", "sensation", "sociable", /* D0 */
	"souvenir", "specialist", "speculate", "stethoscope", /* D4 */
	"stupendous", "supportive", "surrender", "suspicious", /* D8 */
	"sympathy", "tambourine", "telephone", "therapist", /* DC */
	"tobacco", "tolerance", "tomorrow", "torpedo", /* E0 */
	"tradition", "travesty", "trombonist", "truncated", /* E4 */
	"typewriter", "ultimate", "undaunted", "underfoot", /* E8 */
	"unicorn", "unify", "universe", "unravel", /* EC */
	"upcoming", "vacancy", "vagabond", "vertigo", /* F0 */
	"Virginia", "visitor", "vocalist", "voyager", /* F4 */
	"warranty", "Waterloo", "whimsical", "Wichita", /* F8 */
	"Wilmington", "Wyoming", "yesteryear", "Yucatan", /* FC */
};
/* "symbolon-fpr-v1" and its NUL fill the 16 bytes BLAKE2b personalises
 * with; a change of scheme takes a new version suffix, never a reuse. */
static const uint8_t fpr_personal[crypto_generichash_blake2b_PERSONALBYTES] =
    "symbolon-fpr-v1";

void
sym_fingerprint(uint8_t fingerprint[static SYM_FINGERPRINT_BYTES],
    const uint8_t public_key[static 32])
{
	/* Fails only for lengths outside BLAKE2b's range; these are
	 * constants inside it. */
	(void)crypto_generichash_blake2b_salt_personal(fingerprint,
	    SYM_FINGERPRINT_BYTES, public_key, 32, NULL, 0, NULL,
	    fpr_personal);
}

void
sym_fingerprint_kid(uint8_t kid[static SYM_KID_BYTES],
    const uint8_t public_key[static 32])
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];

	sym_fingerprint(fingerprint, public_key);
	memcpy(kid, fingerprint, SYM_KID_BYTES);
}

const char *
sym_pgp_word(uint8_t b, size_t position)
{
	return (position & 1u) ? pgp_odd[b] : pgp_even[b];
}

int
sym_fingerprint_words(char *out, size_t cap, const uint8_t *bytes,
    size_t len)
{
	size_t need = 1;
	size_t pos = 0;

	if (cap > 0)
		out[0] = '\0';
	if (bytes == NULL && len > 0)
		return SYM_EUSAGE;
	/* Measure first, stopping as soon as it cannot fit, so a failed call
	 * leaves an empty string and need never overflows. */
	for (size_t i = 0; i < len; i++) {
		need += strlen(sym_pgp_word(bytes[i], i)) + (i > 0 ? 1u : 0u);
		if (need > cap)
			return SYM_ETOOBIG;
	}
	if (need > cap)
		return SYM_ETOOBIG;
	for (size_t i = 0; i < len; i++) {
		const char *word = sym_pgp_word(bytes[i], i);
		size_t n = strlen(word);

		if (i > 0)
			out[pos++] = ' ';
		memcpy(out + pos, word, n);
		pos += n;
	}
	out[pos] = '\0';
	return SYM_OK;
}

int
sym_fingerprint_hex(char *out, size_t cap,
    const uint8_t fingerprint[static SYM_FINGERPRINT_BYTES])
{
	static const char digits[] = "0123456789ABCDEF";
	size_t pos = 0;

	if (cap < SYM_FINGERPRINT_HEX_MAX) {
		if (cap > 0)
			out[0] = '\0';
		return SYM_ETOOBIG;
	}
	for (size_t i = 0; i < SYM_FINGERPRINT_BYTES; i++) {
		if (i > 0 && i % 2 == 0)
			out[pos++] = ' ';
		out[pos++] = digits[fingerprint[i] >> 4];
		out[pos++] = digits[fingerprint[i] & 0x0f];
	}
	out[pos] = '\0';
	return SYM_OK;
}
