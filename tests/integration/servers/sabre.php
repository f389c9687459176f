<?php
/*
 * sabre.php: a CardDAV server from Debian's php-sabre-dav (SabreDAV 1.8,
 * the library under Nextcloud and Baikal), for `php -S 127.0.0.1:PORT
 * sabre.php`. Everything it keeps is in SABRE_DIR/db.sqlite, created by
 * lib.sh (start_sabre) from the package's own SQL schema.
 *
 *   SABRE_DIR    the folder of db.sqlite
 *   SABRE_AUTH   digest (the package's PDO backend, users.digesta1) or basic
 *   SABRE_USER, SABRE_PASS   the one user, for basic
 */
date_default_timezone_set('UTC');
require_once 'Sabre/autoload.php';

class KithTestBasic extends Sabre\DAV\Auth\Backend\AbstractBasic {
    protected function validateUserPass($username, $password) {
        return $username === getenv('SABRE_USER') &&
               hash_equals(getenv('SABRE_PASS'), $password);
    }
}

$pdo = new PDO('sqlite:' . getenv('SABRE_DIR') . '/db.sqlite');
$pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);

$auth = getenv('SABRE_AUTH') === 'basic'
    ? new KithTestBasic()
    : new Sabre\DAV\Auth\Backend\PDO($pdo);
$principals = new Sabre\DAVACL\PrincipalBackend\PDO($pdo);
$cards = new Sabre\CardDAV\Backend\PDO($pdo);

$server = new Sabre\DAV\Server(array(
    new Sabre\DAVACL\PrincipalCollection($principals),
    new Sabre\CardDAV\AddressBookRoot($principals, $cards),
));
$server->setBaseUri('/');
$server->addPlugin(new Sabre\DAV\Auth\Plugin($auth, 'SabreDAV'));
$server->addPlugin(new Sabre\CardDAV\Plugin());
$server->addPlugin(new Sabre\DAVACL\Plugin());
$server->exec();
