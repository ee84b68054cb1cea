/**
 * Some of the most common passwords of 8 characters or more (shorter ones are refused by length anyway),
 * lower-cased; 351 of them. Written by hand from public knowledge of the passwords that top every
 * leaked-password ranking (such as the lists published in SecLists, MIT licence) — not downloaded or copied
 * from one file. A password is refused when, lower-cased, it is one of these.
 */
const LIST = `
  password password1 password12 password123 password1234 password! password01 passw0rd p@ssword p@ssw0rd
  pa$$word passwort passwords mypassword newpassword thepassword yourpassword password2 password3
  password11 passpass passpass1 12345678 123456789 1234567890 12345678910 123123123 11111111 111111111
  1111111111 00000000 000000000 0000000000 22222222 55555555 66666666 77777777 88888888 99999999 12341234
  11223344 12121212 123456789a 1234567a 1234567q 123456qwe 123qweasd 123qweasdzxc 1q2w3e4r 1q2w3e4r5t
  1q2w3e4r5t6y 1qaz2wsx 1qaz2wsx3edc 1qazxsw2 zaq12wsx zaq1zaq1 zaq1xsw2 qwertyui qwertyuiop qwerty123
  qwerty1234 qwerty12 qwertyu1 qwer1234 qwerasdf qweasdzxc qweqweqwe asdfghjkl asdfasdf asdf1234 asdfghjk
  zxcvbnm1 zxcvbnmm 1234qwer abcd1234 abc12345 abc123456 abcdefg1 abcdefgh abcdefghi a1b2c3d4 a12345678
  aa123456 aaaaaaaa iloveyou iloveyou1 iloveyou2 iloveu123 loveyou1 lovelove lovely123 sunshine sunshine1
  princess princess1 football football1 baseball baseball1 basketball soccer123 superman superman1
  batman123 spiderman starwars starwars1 pokemon1 master123 masterkey welcome1 welcome123 welcome!
  letmein1 letmein123 trustno1 trustnoone whatever whatever1 computer computer1 internet michelle jennifer
  jessica1 jonathan danielle victoria samantha elizabeth christopher alexander alexandra benjamin nicholas
  stephanie charlie1 michael1 jordan23 jordan123 mustang1 midnight maverick freedom1 shadow12 shadow123
  sebastian scooter1 chocolate butterfly blink182 metallica nirvana1 liverpool liverpool1 chelsea1
  arsenal1 manchester barcelona dragon12 dragon123 monkey12 monkey123 cookie12 cheese12 hello123
  hellokitty helloworld hello1234 goodluck sunflower flower12 rainbow1 rockstar rock1234 fuckyou1 fuckoff1
  asshole1 killer12 hunter12 hunter123 ranger12 tigger12 ginger12 pepper12 buster12 mercedes ferrari1
  corvette harley12 qazwsxedc qazwsx123 zxcvbnm123 1234abcd abcd12345 admin123 admin1234 administrator
  adminadmin root1234 rootroot toor1234 changeme changeme1 changeme123 default1 guest123 test1234 testtest
  test12345 testing1 testing123 secret12 secret123 mysecret letmein! access14 access123 login123 user1234
  username qwerty!@ 1qaz!qaz !qaz2wsx p4ssw0rd passw0rd1 p@ssw0rd1 p@55w0rd password1! passw0rd!
  summer2020 summer2021 summer2022 summer2023 summer2024 summer2025 winter2020 winter2021 winter2022
  winter2023 winter2024 winter2025 spring2023 spring2024 autumn2023 autumn2024 january1 december september
  november october1 monday123 sunday123 friday13 87654321 98765432 987654321 9876543210 147258369
  147852369 159753123 741852963 789456123 123654789 321654987 135792468 24682468 13579135 19871987
  19901990 19911991 19921992 19931993 19941994 19951995 19961996 19971997 19981998 19991999 20002000
  20012001 20102010 12344321 11112222 12345679 123456abc 123456aa qwertz123 azerty123 azertyuiop
  motdepasse contrasena passwort1 senha123 parola123 iloveyou! princess! football! soccer12 hockey12
  matrix123 zxcvbnma q1w2e3r4 q1w2e3r4t5 1a2b3c4d a1s2d3f4 z1x2c3v4 qwe123qwe asd123asd zxc123zxc
  abcabc123 trustme1 nopassword letmeinnow opensesame iamthebest beautiful anything everything something
  nothing1 myspace1 facebook facebook1 google123 youtube1 linkedin twitter1 instagram minecraft minecraft1
  fortnite pokemon123 naruto123 samsung1 iphone123 apple123 microsoft windows1 linux123 ubuntu123
  oracle123 mysql123 postgres database server123 nexus123 nexus1234 qwerty12345 1234567890a 0987654321
`

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean))
