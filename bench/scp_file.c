/* scp_file.c - the text of the benchmark's SCP file (see scp_file.h). */
#include "bench/scp_file.h"

#include <stdio.h>
#include <string.h>

static const char containment_text[] =
    "SCP-900 is to be kept in a standard humanoid containment cell at Site-19, modified as "
    "follows: all interior surfaces are to be lined with 2 cm sheets of untreated lead, and a "
    "single incandescent bulb of no more than 40 W is to be the only source of light. The cell "
    "door is to remain closed at all times except during scheduled interviews, which must be "
    "approved by the Site Director and attended by no fewer than two Level 3 personnel.\n\n"
    "Personnel entering the cell must not carry timepieces of any kind. Wristwatches, phones "
    "and pagers are to be surrendered at the security checkpoint on Corridor 4-B. Should any "
    "clock within 30 m of the cell be observed to run backwards, the on-duty Security Officer "
    "is to sound a Yellow alert and withdraw all staff to the checkpoint.\n\n"
    "[[LEVEL 5]]In the event of a containment breach, the cell is to be flooded with the "
    "compound designated SCP-900-B, stored in the sealed cabinet beneath the observation "
    "window. Only personnel holding the cabinet key may authorise its release.[[/LEVEL]]\n\n"
    "Food is to be provided three times daily through the slot in the cell door. SCP-900 has "
    "not been observed to eat, but trays left in the cell are found empty after exactly eleven "
    "minutes; the staff who collect them are to log the time on Form 900-T.";

static const char description_text[] =
    "SCP-900 is a humanoid entity, 1.7 m in height, with the appearance of a man in his late "
    "fifties. It wears a grey wool coat, a waistcoat with a watch chain but no watch, and "
    "polished black shoes. Its features are unremarkable, and witnesses asked to describe it "
    "afterwards consistently describe a different person: most often a relative who has died.\n\n"
    "SCP-900 speaks English with a slight accent that linguists have been unable to place. It "
    "is courteous, patient and willing to answer questions, but every answer it gives concerns "
    "an event that has not yet happened. Of 214 predictions recorded to date, 209 have come to "
    "pass within the period SCP-900 stated; the remaining five concern dates still in the "
    "future.\n\n"
    "The anomalous properties of SCP-900 appear to centre on its effect on measured time. "
    "Within approximately 30 m of the entity, mechanical and electronic clocks lose between two "
    "and four seconds each hour. Atomic references placed in the cell drift at the same rate, "
    "which rules out an effect on the mechanisms themselves.\n\n"
    "[[LEVEL 4]]Three months after recovery, the drift reversed for a period of six hours. "
    "During that period every clock in the east wing of Site-19 ran backwards, and "
    "surveillance footage from the cell shows SCP-900 standing at the door, apparently waiting "
    "for someone. No one arrived. When the drift resumed its usual direction, SCP-900 sat "
    "down and did not speak for nine days.[[/LEVEL]]\n\n"
    "SCP-900 does not age. Photographs taken at recovery and at every quarterly review show no "
    "change in its appearance, and it does not sleep. When asked what it is waiting for, it "
    "answers that it is waiting for the Foundation to catch up.\n\n"
    "[[LEVEL 5]]Genetic material recovered from the cell's drinking cup matches, at every "
    "locus tested, a sample held on file for a member of Foundation staff. That staff member "
    "was born eleven years after SCP-900 was first recovered. The O5 Council has been informed "
    "and has directed that the staff member is not to be told.[[/LEVEL]]\n\n"
    "The entity shows no hostility and has made no attempt to leave its cell. It has asked, "
    "politely and on each of the last nineteen interviews, for a calendar.";

static const char recovery_text[] =
    "Recovery log 900-1, summarised from the field report of Agent ████ ██████.\n\n"
    "SCP-900 came to the Foundation's attention after a railway station clock in the town of "
    "Harrow's End was reported to have stopped for eleven minutes every day for a month. Field "
    "agents posing as maintenance engineers found SCP-900 seated on the bench beneath the clock. "
    "It stood when they approached, greeted each of them by name, and said that it had been "
    "expecting them since the previous Thursday.\n\n"
    "SCP-900 accompanied the agents without resistance. During transport it predicted, "
    "correctly, a road closure, a change in the weather and the outcome of a football match "
    "then being played in another country. It declined to say how it knew.\n\n"
    "Interviews of the station's staff found that SCP-900 had been seen on the bench for at "
    "least forty years. Nobody could remember it ever arriving, and nobody thought this odd "
    "until they were asked.\n\n"
    "The bench itself was removed to Site-19 with SCP-900 and examined. It is an ordinary "
    "cast-iron station bench of a common pattern, but the paint on the end where SCP-900 sat "
    "is between sixty and seventy years older than the paint on the other end, by the "
    "analysis of its pigments. The bench is held in Storage Unit 19-1140 and has shown no "
    "further anomalous property. SCP-900 has asked after it twice, and was told that it is "
    "being kept safe; it said that it knew, and that it had only been making conversation.";

static const char incident_text[] =
    "Incident 900-Alpha. On the date in question SCP-900 asked its interviewer, Dr. █████, "
    "whether she had remembered to bring the letter. Dr. █████ had not been told about any "
    "letter. SCP-900 described the envelope in detail: cream paper, a Site-77 franking mark and "
    "her own handwriting on the front.\n\n"
    "Eleven days later Dr. █████ found such an envelope in her desk, sealed and addressed to "
    "SCP-900 in her handwriting. She had no memory of writing it. The envelope was surrendered "
    "to Security and opened under controlled conditions: it contained a single sheet bearing the "
    "words \"not yet\". The sheet is held in Site-77's archive under evidence number 900-A-1.";

static const char council_text[] =
    "Addendum 900-3, by order of the O5 Council. The prediction recorded as number 214 names "
    "a date, a site and the phrase \"when the last door opens\". The Council has judged the "
    "prediction credible. Contingency plans are held at Site-01 and are not to be reproduced "
    "in any file accessible below Level 5. Any interview in which SCP-900 refers to doors, "
    "keys or openings is to be reported to the Council within one hour, and the interview "
    "recording is to be sealed pending review.";

static const char interview_text[] =
    "Interview 900-7. Interviewer: Dr. Halloran, Level 3. Observing: Security Officer Reyes.\n\n"
    "Dr. Halloran: Good morning. Do you know what day it is?\n"
    "SCP-900: Tuesday, for you. You are going to ask me about the clocks.\n"
    "Dr. Halloran: I was. Why do they slow down near you?\n"
    "SCP-900: They are being polite. It would be rude to hurry past someone who is waiting.\n"
    "Dr. Halloran: What are you waiting for?\n"
    "SCP-900: The same thing as everyone. I am only more patient about it.\n"
    "Dr. Halloran: Last week you told Officer Reyes that his daughter would call him. She did. "
    "How did you know?\n"
    "SCP-900: I remembered. It is easier to remember forwards than you would think, once you "
    "have had the practice.\n"
    "Dr. Halloran: Can you remember something for me now?\n"
    "SCP-900: The coffee machine on your floor will break on Thursday. Nobody will fix it until "
    "the following Monday. You will drink tea and decide that you prefer it.\n"
    "Dr. Halloran: That is not what I meant.\n"
    "SCP-900: I know what you meant. [[LEVEL 4]]You meant the letter, and the door, and whether "
    "the people you work for will still be here in twenty years. Some of them will.[[/LEVEL]] "
    "That is all I will say today.\n\n"
    "Closing note: the coffee machine on Corridor 2-A failed on the Thursday following the "
    "interview and was repaired the next Monday. Dr. Halloran has asked that this be recorded "
    "without comment.\n\n"
    "Interview 900-8 was cancelled at SCP-900's request. It asked that the interviewer be "
    "given the afternoon off, and would not say why. The request was refused. The interviewer "
    "was later found to have been standing, at the scheduled time, beside a ventilation duct "
    "on Corridor 4-B that failed four minutes after she left it; no one was hurt.\n\n"
    "Interview 900-9. SCP-900 was shown a photograph of the Harrow's End station clock as it "
    "is today. It looked at the photograph for some minutes and said that the clock was a "
    "good clock, and that it was glad somebody had wound it. The clock has not been wound "
    "since the station closed. Field agents sent to inspect it found it running, and correct "
    "to the second.";

struct section_spec {
    const char *kind;
    const char *title;
    int level;
    const char *text;
};

static const struct section_spec sections[] = {
    {"containment", "Special Containment Procedures", 2, containment_text},
    {"description", "Description", 2, description_text},
    {"addendum", "Addendum 900-1: Recovery", 3, recovery_text},
    {"addendum", "Addendum 900-4: Interviews", 3, interview_text},
    {"addendum", "Addendum 900-2: Incident 900-Alpha", 4, incident_text},
    {"addendum", "Addendum 900-3: Council Directive", 5, council_text},
};

static json_t *section_json(const struct section_spec *s)
{
    return json_pack("{s:s, s:s, s:i, s:s}", "kind", s->kind, "title", s->title, "level", s->level,
                     "text", s->text);
}

json_t *scp_file_create_fields(int number, size_t *text_bytes)
{
    json_t *list = json_array();
    if (!list)
        return NULL;
    size_t bytes = 0;
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        json_t *s = section_json(&sections[i]);
        if (!s || json_array_append_new(list, s) != 0) {
            json_decref(list);
            return NULL;
        }
        bytes += strlen(sections[i].text);
    }
    if (text_bytes)
        *text_bytes = bytes;
    /* No site or task force link: the file must not depend on what the demo store holds. */
    return json_pack("{s:s, s:i, s:s, s:i, s:s, s:o}", "kind", "scp", "number", number, "title",
                     "The Man Who Waits", "level", 2, "containment", "Euclid", "sections", list);
}
