/*
 * demo_content.c - the text of the demo deepwell.
 *
 * Every anomaly, name and sentence here is invented for SCiPNET; none of it comes
 * from any other work.  Sections use the classified-passage markup
 * [[LEVEL n]]...[[/LEVEL]] for text above the section's own level.
 */
#include "deepwell/io/demo_content.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- sites -------------------------------------------------------------------------- */

static const struct demo_site sites[] = {
    {
        .ref = 19,
        .name = "Site-19",
        .level = 3,
        .location = "Inland, temperate zone; exact position withheld",
        .description =
            "Site-19 is the Foundation's principal containment facility for the demo deepwell: "
            "fourteen sublevels cut into a limestone ridge, connected to the surface by two "
            "freight lifts and one staircase that staff are asked not to count.\n\n"
            "The site houses Safe and Euclid objects of moderate size, the archive of recovered "
            "street furniture, and the offices of Mobile Task Force Epsilon-6.",
        .dossier = "Staff: 1,140. Director: see file link. Reserve power: 96 hours. "
                   "Nearest civilian settlement: 31 km. Cover: agricultural research station.",
        .director = "director",
    },
    {
        .ref = 77,
        .name = "Site-77",
        .level = 3,
        .location = "Coastal reservoir, northern shore; exact position withheld",
        .description =
            "Site-77 sits on the dam wall of a drinking-water reservoir that was flooded in "
            "19\u2588\u2588 over a drowned fishing village.  The site's lower floors are below "
            "the waterline and are kept dry by pumps that have never been switched off.\n\n"
            "It holds objects connected with water, tides and navigation, and is home to "
            "Mobile Task Force Omicron-12.",
        .dossier = "Staff: 420. Reserve power: 14 days. Cover: regional water authority "
                   "pumping station. Diving teams on call at all hours.",
        .director = NULL,
    },
};

/* ---- task forces -------------------------------------------------------------------- */

static const struct demo_mtf mtfs[] = {
    {
        .ref = 3,
        .designation = "Epsilon-6",
        .nickname = "Lamplighters",
        .level = 2,
        .site_ref = 19,
        .mission = "Recovery of anomalous street furniture, signage and public lighting, and "
                   "the quiet replacement of it with ordinary copies before anyone notices.  "
                   "Members are trained as municipal maintenance crews and carry genuine "
                   "work orders.",
    },
    {
        .ref = 6,
        .designation = "Omicron-12",
        .nickname = "Quiet Harbour",
        .level = 4,
        .site_ref = 77,
        .mission = "Containment and response for anomalies of tide, shoreline and navigation.  "
                   "Omicron-12 keeps watch over the reservoir at Site-77 and answers any report "
                   "of water where no water should be.",
    },
};

/* ---- users -------------------------------------------------------------------------- */

static const struct demo_user users[] = {
    {"cadet", 1, "Containment Specialist", 19},
    {"researcher", 2, "Researcher", 19},
    {"agent", 3, "Field Agent", 77},
    {"officer", 4, "Security Officer", 77},
    {"director", 5, "Site Director", 19},
    {"o5", 6, "O5 Council Member", 0},
};

/* ---- files -------------------------------------------------------------------------- */

static const struct demo_file files[] = {
    {
        .number = 2,
        .title = "The Patient Lamp",
        .level = 2,
        .containment = "Euclid",
        .disruption = "Vlam",
        .risk = "Caution",
        .site_ref = 19,
        .mtf_ref = 3,
        .nsections = 4,
        .sections =
            {
                {"containment", "Special Containment Procedures", 2,
                 "SCP-002 is kept upright in Containment Cell 19-B4, a windowless room with a "
                 "single light-tight door.  From 16:00 until 09:00 local time the lamp's glass "
                 "housing is to be covered with the fitted blackout hood; the hood is removed only "
                 "for approved testing.\n\n"
                 "No person may stand within SCP-002's light for more than three (3) minutes.  "
                 "Staff entering the cell after dusk wear welding goggles of shade 12 or darker.  "
                 "Any drawing, sketch or written direction produced by staff after exposure is to "
                 "be handed to the duty researcher and filed, not discarded."},
                {"description", "Description", 2,
                 "SCP-002 is a cast-iron gas street lamp, 3.1 m tall, of a pattern common in "
                 "northern European towns in the late nineteenth century.  It has no gas supply.  "
                 "Every day at local sunset its mantle lights by itself and burns with a steady "
                 "yellow flame until sunrise, whatever the weather, location or air supply.\n\n"
                 "Persons who remain in SCP-002's light for more than about four minutes begin to "
                 "remember a street they have never visited.  Subjects describe it consistently: "
                 "a cobbled lane named Calder Row, eleven terraced houses on one side, a bakery "
                 "with a green door, and a second lamp of the same pattern at the far end.  Recall "
                 "grows more detailed with exposure; after forty minutes subjects can draw "
                 "accurate, mutually consistent maps of the lane.\n\n"
                 "No street called Calder Row appears in any municipal record the Foundation has "
                 "examined.  [[LEVEL 4]]The composite map, laid over the survey of Site-19, "
                 "matches a void detected by ground radar 11 m beneath the eastern vehicle yard.  "
                 "A test bore in 20\u2588\u2588 struck cobblestones still warm to the touch.  "
                 "Excavation is suspended pending O5 review; the bore hole is capped and "
                 "guarded.[[/LEVEL]]  Subjects suffer no lasting harm beyond the memories, which "
                 "fade over about three weeks."},
                {"addendum", "Addendum 002-1: Recovery", 2,
                 "SCP-002 was recovered by MTF Epsilon-6 (\"Lamplighters\") from a residential "
                 "street in \u2588\u2588\u2588\u2588\u2588\u2588 scheduled for demolition, after "
                 "residents complained to the council that the lamp \"made them homesick for "
                 "somewhere\".  It was replaced overnight with an ordinary replica.  Four "
                 "residents "
                 "were given Class-B amnestics; one declined, and asked only to be told if the "
                 "bakery was ever found."},
                {"addendum", "Addendum 002-2: Incident 002-Calder", 5,
                 "On 20\u2588\u2588-03-14 the camera on the capped bore hole beneath the eastern "
                 "vehicle yard recorded light rising from the shaft at 19:42, two minutes after "
                 "sunset.  A remote probe lowered 11 m found a second lamp identical to SCP-002, "
                 "lit, standing on the cobbles.  Beside it the probe's microphone recorded a door "
                 "closing and footsteps moving away.\n\n"
                 "SCP-002 itself failed to light that evening, for the first time since recovery.  "
                 "It resumed the following night.  The Site Director has ordered the shaft filled "
                 "with concrete; the order is [DATA EXPUNGED].  Personnel cleared for this "
                 "addendum "
                 "are reminded that the bakery door in every subject's account is described as "
                 "open."},
            },
    },
    {
        .number = 5,
        .title = "The Census That Counts One More",
        .level = 4,
        .containment = "Keter",
        .disruption = "Keneq",
        .risk = "Warning",
        .site_ref = 77,
        .mtf_ref = 6,
        .nsections = 3,
        .sections =
            {
                {"containment", "Special Containment Procedures", 4,
                 "No complete count of people, households or livestock may be made inside the "
                 "SCP-005 zone.  The Foundation maintains the zone's population records through a "
                 "front company that administers the regional statistics office; national census "
                 "forms for the zone are intercepted and replaced with estimates derived from "
                 "outside the zone.\n\n"
                 "Any count that is completed regardless is to be destroyed, and the person who "
                 "made it interviewed.  The zone's boundary is re-surveyed every ninety days.  "
                 "It has never been found to shrink."},
                {"description", "Description", 4,
                 "SCP-005 is an effect on counting inside an area around the harbour village of "
                 "\u2588\u2588\u2588\u2588\u2588\u2588, currently 2.4 km across.  Any complete "
                 "count "
                 "of the people present within the zone returns a total one greater than the true "
                 "number, whatever the method: headcount, register, photograph, thermal imaging.  "
                 "Recounts agree with the first count, never with the truth.\n\n"
                 "The extra person has a name in every record that lists names: Ada Merrow, born "
                 "in "
                 "the village, occupation \"net mender\".  She has a parish record, a school "
                 "report "
                 "and a tax reference.  No one has ever met her.  Residents asked about her "
                 "describe her warmly and cannot say where she lives.\n\n"
                 "The zone has grown by about 40 m a year since first measured.  Counts that "
                 "straddle the boundary return the correct total, with Ada Merrow in place of one "
                 "real person outside it."},
                {"addendum", "Addendum 005-1: Field Note", 4,
                 "Agent \u2588\u2588\u2588\u2588\u2588\u2588, MTF Omicron-12, standing at the zone "
                 "boundary: \"I counted the boats instead of the people, to be clever.  Fourteen "
                 "boats.  There are thirteen moorings.  The fourteenth is painted green and has "
                 "her "
                 "name on the stern, and there are nets drying on it that someone mended this "
                 "morning.\""},
            },
    },
    {
        .number = 13,
        .title = "A Considerate Umbrella",
        .level = 1,
        .containment = "Safe",
        .risk = "Notice",
        .site_ref = 19,
        .nsections = 3,
        .sections =
            {
                {"containment", "Special Containment Procedures", 1,
                 "SCP-013 is kept closed in a standard item locker in the Site-19 low-risk store.  "
                 "Staff of any clearance may borrow it for testing with the duty researcher's "
                 "signature.  It must be returned dry; it has never yet been returned wet."},
                {"description", "Description", 1,
                 "SCP-013 is a black umbrella with a curved ash handle, 92 cm long closed.  A "
                 "small "
                 "cloth label inside the canopy reads RETURN TO H. in faded embroidery.\n\n"
                 "SCP-013 opens by itself about two minutes before rain begins to fall on the "
                 "person carrying it, and closes when the rain stops.  It has predicted every "
                 "shower in 312 recorded outings, including two that weather services did not.  "
                 "It will not open indoors, even when forced; the ribs lock as if the catch were "
                 "welded.\n\n"
                 "When carried by someone who is lost, SCP-013 leans gently in the direction of "
                 "the nearest shelter.  Whether it also leans toward H. is not known."},
                /* Markdown (docs/markup.md): the demo shows a table, a quote, refs as links
                 * and a note. */
                {"addendum", "Addendum 013-1: Test Log Excerpt", 1,
                 "Test 013-44: Umbrella carried by a researcher across the Site-19 yard under a "
                 "clear sky.  SCP-013 opened at 14:02.  No rain fell.  At 14:04 a sprinkler in the "
                 "adjacent field switched on for the first time that season.[^1]\n\n"
                 "| Test | Sky | Opened | Rain |\n"
                 "|---|---|--:|---|\n"
                 "| 013-12 | overcast | 09:14 | shower at 09:16 |\n"
                 "| 013-31 | fog | 07:50 | *none*, a burst main at 07:52 |\n"
                 "| 013-44 | clear | 14:02 | a sprinkler at 14:04 |\n\n"
                 "> Researcher's note: **\"It counts.\"**\n\n"
                 "Compare SCP-002, which also keeps its own hours, and the yard survey of "
                 "SITE-19.\n\n"
                 "[^1]: The full log of 312 outings is kept by the duty researcher."},
            },
    },
    {
        .number = 42,
        .title = "The Tide Clock",
        .level = 3,
        .containment = "Euclid",
        .disruption = "Vlam",
        .risk = "Warning",
        .site_ref = 77,
        .mtf_ref = 6,
        .nsections = 4,
        .sections =
            {
                {"containment", "Special Containment Procedures", 3,
                 "SCP-042 hangs on the north wall of Room 77-L2-09, a tiled chamber with floor "
                 "drains and a door sealed to 3 m of water pressure.  Two members of MTF "
                 "Omicron-12 watch the dial whenever it shows less than one hour to high water.  "
                 "The room is to be empty of personnel at high water.\n\n"
                 "SCP-042 must not be stopped, wound or moved.  The single attempt to stop it is "
                 "recorded in Addendum 042-1."},
                {"description", "Description", 3,
                 "SCP-042 is a brass tide clock of the kind sold to harbour offices, its face "
                 "marked HIGH, LOW and the hours between.  It does not follow any tide on Earth "
                 "the Foundation has been able to match.  Its cycle is irregular, between nine and "
                 "fifteen hours, and cannot be predicted more than one cycle ahead.\n\n"
                 "When the hand reaches HIGH, seawater appears in the room where SCP-042 hangs, "
                 "rising from the floor to a depth of between 0.2 m and 1.9 m, and drains away as "
                 "the hand moves on.  The water carries sand, weed and, on occasion, small fish of "
                 "species that have not been identified.  Its salinity matches no known sea."},
                {"addendum", "Addendum 042-1: Experiment Log", 3,
                 "Experiment 042-7: the clock's hand was held at 30 minutes before HIGH with a "
                 "padded clamp.  The hand stopped.  At the time HIGH would have come, water rose "
                 "in every ground-floor room of Site-77 at once, to a depth of 0.4 m, and did not "
                 "drain until the clamp was removed.  Further experiments of this kind are "
                 "forbidden.\n\n"
                 "Experiment 042-11: a depth gauge left in the room at high water recorded a "
                 "steady current flowing north-east, toward the reservoir."},
                {"addendum", "Addendum 042-2: O5 Note", 6,
                 "The sand left by SCP-042 has been matched grain for grain to cores taken from "
                 "the reservoir bed at Site-77, from the street level of the village that was "
                 "flooded to make it.  The clock's irregular cycle is the tide of that village's "
                 "harbour as it would run today had the valley never been dammed.\n\n"
                 "The clock was found in the village's harbour office before the flooding, and "
                 "was set running by the Foundation, deliberately, as a gauge.  What it measures "
                 "is [DATA EXPUNGED].  Should the depth of water at HIGH ever exceed 3 m, "
                 "Protocol QUIET HARBOUR is to be carried out without further authorisation."},
            },
    },
    {
        .number = 100,
        .title = "The Subtracting Signal",
        .level = 5,
        .containment = "Keter",
        .secondary = "Apollyon",
        .disruption = "Amida",
        .risk = "Critical",
        .nsections = 3,
        .sections =
            {
                {"containment", "Special Containment Procedures", 5,
                 "SCP-100 cannot be contained.  The Foundation's efforts are directed at "
                 "preservation: the Lexical Reserve at Site-19 keeps printed, recorded and "
                 "memorised copies of every word of every living language, and is updated "
                 "weekly.  Lost words are reintroduced by Foundation linguists through "
                 "textbooks, crosswords and song lyrics.\n\n"
                 "No receiver is to be tuned to 7.019 MHz at 03:00 UTC on any Foundation site."},
                {"description", "Description", 5,
                 "SCP-100 is a radio transmission of eleven seconds, heard on 7.019 MHz at 03:00 "
                 "UTC on irregular nights, around four times a year.  Its source has never been "
                 "located; every direction-finding fix points at the receiving station itself.\n\n"
                 "Each transmission is a single spoken word.  After it ends, that word is lost: "
                 "speakers of the language no longer know it, printed copies show a blank space "
                 "of the right width, and recordings play silence in its place.  The Foundation "
                 "knows which words have been taken only because the Lexical Reserve's copies "
                 "are made in a way that SCP-100 does not reach.  [[LEVEL 6]]The Reserve's copies "
                 "are kept by SCP-100's only known survivor, a person who heard a transmission "
                 "from a receiver with the speaker cable cut.[[/LEVEL]]\n\n"
                 "At least 40 words of English have been lost since 19\u2588\u2588.  The rate is "
                 "rising."},
                {"addendum", "Addendum 100-1: Recovered Words", 5,
                 "Words restored by the Lexical Reserve to date include a word for the smell of "
                 "rain on warm stone, a word for the last light before dark, and a word for the "
                 "act of waiting up for someone.  The Foundation considers the last of these the "
                 "most important restoration of the programme.\n\n"
                 "The transmission of 20\u2588\u2588-11-02 took the word "
                 "\u2588\u2588\u2588\u2588\u2588."
                 "  It has not been restored."},
            },
    },
    {
        .number = 217,
        .title = "The Tin Heron",
        .level = 1,
        .containment = "Neutralized",
        .site_ref = 19,
        .final_status = "neutralized",
        .status_reason = "Mainspring fractured during routine winding; no anomalous activity "
                         "in the five years since.  Retained as a curiosity.",
        .status_by = "director",
        .nsections = 3,
        .sections =
            {
                {"containment", "Special Containment Procedures", 1,
                 "SCP-217 is neutralized.  It is displayed in a glass case in the Site-19 staff "
                 "canteen, where it is dusted weekly.  Personnel are asked not to leave watches "
                 "near the case, out of courtesy."},
                {"description", "Description", 1,
                 "SCP-217 is a mechanical grey heron of brass and tin, 94 cm tall, with a "
                 "key-wound spring movement.  While active it walked at night, unwound, and "
                 "collected wristwatches from bedside tables within about 300 m, arranging them "
                 "in a ring in the nearest shallow water with their faces up.  Watches so "
                 "collected were always found to have stopped at the same minute.\n\n"
                 "In 20\u2588\u2588 its mainspring broke while being wound by a researcher.  No "
                 "anomalous behaviour has been seen since."},
                {"addendum", "Addendum 217-1: Collection", 1,
                 "When SCP-217 was recovered its ring held 61 watches.  Fifty-nine have been "
                 "returned to their owners.  The remaining two belong to no one who can be found, "
                 "and are engraved with dates that have not yet happened."},
            },
    },
};

const struct demo_site *demo_sites(size_t *count)
{
    *count = COUNT(sites);
    return sites;
}

const struct demo_mtf *demo_mtfs(size_t *count)
{
    *count = COUNT(mtfs);
    return mtfs;
}

const struct demo_user *demo_users(size_t *count)
{
    *count = COUNT(users);
    return users;
}

const struct demo_file *demo_files(size_t *count)
{
    *count = COUNT(files);
    return files;
}
