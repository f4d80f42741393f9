"""Frequent given names by gender, for "Jane Roe ... she": which person a pronoun can refer to.

A short general list (frequent English given names of the last century and common forms in
other European languages); names used for both sexes (Jordan, Alex, Jean, Andrea...) are left
out. A name not listed has no gender: the pronoun then takes the nearest person of any gender.
"""

from __future__ import annotations

from archive.citations.tokens import word_set

__all__ = ["given_name_gender"]

_FEMALE = word_set(
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa "
    "betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa "
    "deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda "
    "pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine "
    "maria heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan "
    "evelyn judith megan cheryl hannah martha gloria teresa ann sara madison frances kathryn "
    "janice abigail alice judy sophia grace denise amber doris marilyn danielle beverly "
    "isabella theresa diana natalie brittany charlotte marie kayla alexis lori jane joanna "
    "julia claire caroline eleanor lucy sophie chloe ella mia ava amelia isabel isabelle "
    "nadia natalia natalya tatiana tatyana svetlana elena yelena olga irina anastasia "
    "yulia ekaterina yekaterina oksana ludmila lyudmila marina galina valentina "
    "angela ursula annalena sabine petra monika claudia birgit heike anja katrin "
    "francoise sylvie nathalie isabelle valerie christine brigitte marine segolene "
    "giorgia carla giulia francesca chiara elisa paola "
    "carmen dolores pilar lucia rosa ana sofia gabriela fernanda camila valeria "
    "fatima aisha amina leila layla maryam zainab "
    "priya anjali sunita indira "
    "ingrid astrid sigrid greta karin harriet yvette penny elise kirsten marjorie "
    "ruth sonia zoe ellen agnes edith esther irene rita rose sally susanne vivian wendy "
    "yvonne beatrice bridget cecilia colleen constance daisy eileen fiona gillian gwen "
    "hazel iris ivy jacqueline josephine joy june katie leah lillian lily lorraine louise "
    "lydia mabel marion maureen mildred miriam molly monica nora norma paula pauline "
    "peggy phyllis rosemary ruby sheila stella sylvia thelma tina tracy vera violet "
    "janet jill kate kathy katy kristen lindsay lynn maggie marcia melanie meredith "
    "naomi paige rebekah roberta sabrina shannon sherry stacy tanya tiffany vanessa "
    "abby alicia allison andrea april audrey becky bonnie brooke carrie cindy courtney "
    "crystal dana dawn debbie elaine erica erin felicia gail gina heidi holly jamie jenna "
    "jenny jodi kara karla kristin krista leslie lindsey mandy marissa melinda misty nina "
    "penelope renee rhonda robin sheryl stacey tara terri valerie whitney"
)
_MALE = word_set(
    "james robert john michael william david richard joseph thomas charles christopher daniel "
    "matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy "
    "ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin "
    "scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry "
    "tyler aaron jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy "
    "christian keith roger terry gerald harold sean austin carl arthur lawrence dylan jesse "
    "bryan joe billy bruce albert willie gabriel logan alan juan wayne roy ralph randy "
    "eugene vincent russell elijah louis bobby philip johnny howard fred ernest martin "
    "craig stanley shawn travis bradley leonard earl danny luke mike tom bill bob jim "
    "tim steve ted ben dan nick tony greg jeff ken "
    "vladimir dmitry dmitri sergei sergey alexei aleksei alexey mikhail nikolai ivan igor "
    "yuri oleg andrei andriy volodymyr petro oleksandr oleksiy viktor vitali vitaly "
    "boris maxim anatoly pavel yevgeny evgeny gennady valery arkady kirill ilya "
    "olaf friedrich wolfgang helmut gerhard horst klaus hans jurgen jürgen uwe dieter "
    "heinz karl markus stefan thorsten frank matthias christoph lars sven "
    "emmanuel francois françois jacques pierre jean-pierre jean-luc jean-claude nicolas "
    "philippe michel alain bernard laurent olivier thierry bruno didier gerard "
    "giuseppe giovanni mario matteo luigi marco francesco antonio sergio silvio "
    "carlos luis miguel pedro pablo javier jorge alejandro fernando manuel rafael "
    "ricardo sergio eduardo diego andres andrés alberto enrique felipe mariano "
    "mohammed muhammad mohammad ahmed ahmad ali hassan hussein omar khalid abdullah "
    "mahmoud ibrahim youssef mustafa "
    "narendra rahul amit rajesh sanjay "
    "erik anders magnus nils olof per bjorn björn "
    "alfred arnold barry benny calvin cecil chester clarence clifford clyde curtis dale "
    "darren derek dominic edgar edwin elliott floyd francis franklin gordon grant guy "
    "herbert hugh isaac jerome joel julian kurt leon leroy lloyd marcus marvin maurice "
    "melvin milton morris neil norman oscar otis owen perry phil ray reginald rex "
    "rodney ross rudy sam seth sidney simon stuart theodore tommy trevor troy victor "
    "wallace warren wesley wilbur "
    "todd brett chad clint cody colin corey dean derrick doug drew duane dwight "
    "garrett glenn gregg hank ian jared jay joey jon kirk lance luther mitchell neal "
    "nolan preston quentin randall reed rick ricky rob rodger roland ronnie rusty shane "
    "spencer stan stewart ted terrence tyrone vernon wade zach"
)


def given_name_gender(name: str) -> str | None:
    """ "f" or "m" when ``name`` (a first name, any case) is a listed given name, else None."""
    folded = name.casefold()
    female, male = folded in _FEMALE, folded in _MALE
    if female == male:
        return None
    return "f" if female else "m"
